/** lookml-parser ships no types; the preview uses parseFiles only. */
declare module 'lookml-parser' {
  interface ParseFilesOptions {
    source: string | { path: string; content: string }[];
    console?: { log(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
    transformations?: { applyExtensionsRefinements?: boolean; removeAbstract?: boolean };
  }
  const lookmlParser: {
    parseFiles(options: ParseFilesOptions): Promise<{ [key: string]: any }>;
  };
  export default lookmlParser;
}
