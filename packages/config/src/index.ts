/**
 * Placeholder so the package builds; filled by its issue.
 * @internal
 */
export const placeholder: boolean = true;
