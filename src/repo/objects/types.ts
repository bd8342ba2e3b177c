export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

/** An object's type and content (without the `type size\0` header). */
export interface RawObject {
  type: ObjectType;
  data: Uint8Array;
}
