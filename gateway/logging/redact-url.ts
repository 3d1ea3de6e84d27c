/**
 * A connection string fit for a log line or an error message: the password (in the userinfo or a
 * `password=` query parameter) is replaced with `***`. Database URLs reach logs only through here.
 */
const secretParameters = ['password', 'sslpassword'];

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Nothing reliable to keep: an unparseable string may be all password.
    return '[unparseable URL]';
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const name of secretParameters) {
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
  }
  return parsed.toString();
}
