/** Polls an asynchronous condition until it holds or `timeoutMs` passes; returns its last value. */
export async function waitForAsync(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
