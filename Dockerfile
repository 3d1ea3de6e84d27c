# Sluice runs its TypeScript sources through tsx (a runtime dependency), so there is no build
# step: install the dependencies and copy the sources (.dockerignore leaves out tests and data).
FROM node:22-slim

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci && npm cache clean --force

COPY . .

# Not root: the image serves a database over the network. `.data/` is where `sluice start` keeps
# an embedded Postgres when no DATABASE_URL is given.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node

EXPOSE 8080
ENTRYPOINT ["node", "bin/sluice.mjs"]
CMD ["serve"]
