/**
 * The fake outside services (payment provider, restaurant, drivers) take this long, so that the
 * demo shows orders moving rather than finishing in one blink. `ORDER_SIMULATED_LATENCY_MS` is
 * the mean (each wait is 50–150 % of it); unset or 0, there is no wait, as in the tests.
 *
 * Read at call time, not at import: a function module keeps no configuration of its own.
 */
export async function simulateLatency(signal: AbortSignal): Promise<void> {
  const mean = Number(process.env.ORDER_SIMULATED_LATENCY_MS ?? 0);
  if (!Number.isFinite(mean) || mean <= 0) return;
  const ms = Math.round(mean * (0.5 + Math.random()));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    // A timed-out invocation stops waiting; its write is then refused by the closed client.
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
