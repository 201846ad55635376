/** The error a promise rejects with, checked to be of `kind`; fails the test if it resolves or rejects with anything else. */
export async function rejectionOf<E extends Error>(pending: Promise<unknown>, kind: new (...args: never[]) => E): Promise<E> {
  try {
    await pending;
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`expected a ${kind.name}, but it succeeded`);
}
