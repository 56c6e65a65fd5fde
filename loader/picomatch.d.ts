/** Minimal typings of picomatch 2 (the matcher fast-glob uses), for the parts the loader calls. */
declare module 'picomatch' {
  interface PicomatchOptions {
    dot?: boolean;
    nocase?: boolean;
  }
  function picomatch(glob: string | string[], options?: PicomatchOptions): (test: string) => boolean;
  export = picomatch;
}
