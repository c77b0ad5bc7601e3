// Module resolution hook registered by node20-shim.mjs.
const shim = new URL('./fs-globsync.mjs', import.meta.url).href;
// The suite's own modules: the 0.1.x package and the 0.2.x one installed under an alias.
const suiteModule = /\/node_modules\/(@modelcontextprotocol\/conformance|conformance-0\.2)\//;

export async function resolve(specifier, context, next) {
  if ((specifier === 'fs' || specifier === 'node:fs') && suiteModule.test(context.parentURL ?? '')) {
    return { url: shim, shortCircuit: true };
  }
  return next(specifier, context);
}
