import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorBanner } from './ErrorBanner.js';

interface ErrorBoundaryProps {
  children: ReactNode;
  title: string;
  /** The sentence for what was thrown (the app passes state/errors' describeError). */
  describe: (error: unknown) => string;
}

/** Keeps one broken screen from blanking the whole window; reset it by changing its `key`. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Bootmend screen failed to render', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error !== null) {
      return <ErrorBanner title={this.props.title} message={`${this.props.describe(this.state.error)} Choose another screen, or reload the window.`} />;
    }
    return this.props.children;
  }
}
