/**
 * What jsdom lacks and Fluent UI or the pane uses; imported first by each task-pane test.
 * A ResizeObserver that never fires is enough: nothing in a test depends on layout.
 */
class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

if (typeof window !== 'undefined' && !('ResizeObserver' in window)) {
  Object.defineProperty(window, 'ResizeObserver', { value: NoopResizeObserver, writable: true, configurable: true });
}

export {};
