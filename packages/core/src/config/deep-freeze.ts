/** Recursive Object.freeze: a loaded config is shared by every module of a process, so nobody may mutate it. */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  // Tracking visits rather than trusting Object.isFrozen: a frozen default may still hold unfrozen children, and
  // YAML aliases can make cycles.
  seen.add(value);
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return value;
}
