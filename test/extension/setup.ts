/** jsdom setup for the extension tests: async/await runtime used by the SDK, and browser APIs jsdom lacks. */
import 'regenerator-runtime/runtime';

class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
(globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver ??= ResizeObserverStub;
