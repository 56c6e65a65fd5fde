/**
 * What the package's resource classes share, in the user's program: an output property for every output key,
 * the `domo-filesets` type token, and adoption of an existing object by id. None of this travels to the
 * provider host; only the provider objects do.
 */
import * as pulumi from '@pulumi/pulumi';

/** Every key of T, listed once: a dynamic resource only gets output properties for the keys present in its props. */
export type OutputKeys<T> = Record<keyof T, true>;

function propsWith(outputs: Record<string, true>, props: object | undefined): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const k of Object.keys(outputs)) all[k] = undefined;
  return { ...all, ...(props ?? {}) };
}

/** Base of FileSet, FileSetFile and FileSetFolder: type token `pulumi-nodejs:dynamic/domo-filesets:<type>`. */
export abstract class DomoResource extends pulumi.dynamic.Resource {
  protected constructor(
    provider: pulumi.dynamic.ResourceProvider,
    type: string,
    outputs: Record<string, true>,
    name: string,
    props: object | undefined,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(provider, name, propsWith(outputs, props), opts, 'domo-filesets', type);
  }

  /** Adopts an existing object by its id (`pulumi import`-style): the provider reads it. */
  static get<T>(
    this: new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => T,
    name: string,
    id: pulumi.Input<pulumi.ID>,
    opts?: pulumi.CustomResourceOptions,
  ): T {
    return new this(name, undefined as never, { ...opts, id });
  }
}
