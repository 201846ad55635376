// Ends the background synth of test/support/global-setup.mjs if the run ended first.
export default async function globalTeardown() {
  const child = globalThis.assemblyPreparation;
  if (child && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}
