/**
 * The WHATWG text codecs, which every JavaScript engine initlab runs on provides (browsers, Node, Deno, Bun) but
 * ECMAScript's own library does not declare: for the core's type check without Node's types (tsconfig.core.json).
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
