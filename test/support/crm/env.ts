/** Sets process variables for a describe block (what @azure/identity reads) and restores them after it. */
export function withProcessEnv(vars: () => Record<string, string>): void {
  let saved: Record<string, string | undefined> = {};
  before(() => {
    const v = vars();
    saved = Object.fromEntries(Object.keys(v).map((k) => [k, process.env[k]]));
    Object.assign(process.env, v);
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}
