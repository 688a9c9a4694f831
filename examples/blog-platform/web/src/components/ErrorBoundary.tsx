import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  /** Rendered instead of a crashed subtree. */
  fallback?: (reset: () => void) => ReactNode;
}

/**
 * Catches a render error below it and shows a message with a way out, instead of a blank
 * page. Give it a `key` that changes on navigation so a new page starts fresh.
 */
export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept for whoever opens the developer tools; the person sees the message below.
    console.error('Page crashed', error, info.componentStack);
  }

  reset = (): void => this.setState({ failed: false });

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    if (this.props.fallback) return this.props.fallback(this.reset);
    return (
      <div className="notice notice-error" role="alert">
        <p className="notice-title">Something went wrong</p>
        <p>This part of the page stopped working. Your data is safe.</p>
        <p>
          <button type="button" onClick={this.reset}>
            Try again
          </button>{' '}
          <a href="/">Go to the home page</a>
        </p>
      </div>
    );
  }
}
