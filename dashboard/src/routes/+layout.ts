// Static SPA: everything renders in the browser against the engine's API on the same origin.
export const ssr = false;
export const prerender = false;
