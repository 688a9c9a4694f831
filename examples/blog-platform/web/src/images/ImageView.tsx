import type { ReactNode } from 'react';
import { describeError } from '../api/describeError.ts';
import { useImage } from './useImage.ts';

/**
 * Shows an uploaded image once processed: a "Processing image…" placeholder until then, the
 * thumbnail or display version after, and a short message when processing failed.
 */
export function ImageView({
  id,
  variant,
  alt,
}: {
  id: string;
  variant: 'thumbnail' | 'display';
  alt: string;
}): ReactNode {
  const state = useImage(id);
  const className = `image image-${variant}`;
  switch (state.phase) {
    case 'loading':
    case 'processing':
      return (
        <div className={`${className} image-placeholder`} role="status" aria-live="polite" data-image-id={id}>
          {state.phase === 'loading' ? 'Loading image…' : 'Processing image…'}
        </div>
      );
    case 'ready': {
      const { image } = state;
      const src = variant === 'thumbnail' ? image.thumbnailUrl : image.displayUrl;
      const sized = variant === 'display' && image.width && image.height;
      return (
        <img
          className={className}
          src={src}
          alt={alt}
          data-image-id={id}
          width={sized ? image.width : undefined}
          height={sized ? image.height : undefined}
          decoding="async"
        />
      );
    }
    case 'failed':
      return (
        <div className={`${className} image-placeholder image-problem`} role="img" aria-label={`${alt}: could not be processed`}>
          This image could not be processed.
        </div>
      );
    case 'error':
      return (
        <div className={`${className} image-placeholder image-problem`} role="img" aria-label={`${alt}: unavailable`}>
          {describeError(state.error, { what: 'this image' }).title}
        </div>
      );
  }
}
