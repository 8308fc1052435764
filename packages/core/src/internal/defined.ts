/** Drops `undefined` fields, so optional Schema fields are left out (exactOptionalPropertyTypes). */
export const defined = <A extends object>(a: A): A => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as A
