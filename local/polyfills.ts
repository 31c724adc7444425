// aws-local-stepfunctions 3 declares Node >= 22 and calls Promise.withResolvers (Node 22+).
// We run on Node 20 locally (Lambda runs Node 22), so we add that one function rather than pin an old
// harness or demand a Node upgrade. It is a no-op where the runtime already has it.
type Resolvers<T> = { promise: Promise<T>; resolve: (v: T | PromiseLike<T>) => void; reject: (e?: unknown) => void };
const P = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>['resolve'];
    let reject!: Resolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
export {};
