/** The CLI bundle's URL when it is newer than every source it was made from; else null (see fresh-bundle.mjs). */
export function freshBundle(rootUrl: URL): string | null;
