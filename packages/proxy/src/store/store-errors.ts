/**
 * A write broke a uniqueness or reference rule: a second project with the same name, a token hash that exists, a
 * token for a project that does not exist (`foreign_key`) or is inactive (`inactive`). Callers answer it as a
 * client error (400 / 403 / 404) instead of a 500.
 */
const CONSTRAINT_TEXT = {
  unique: 'Duplicate value for',
  foreign_key: 'Unknown reference in',
  inactive: 'Inactive reference in',
} as const;

export class StoreConstraintError extends Error {
  override name = 'StoreConstraintError';
  readonly code = 'store_constraint';

  constructor(
    readonly constraint: 'unique' | 'foreign_key' | 'inactive',
    /** Which record the rule is about, e.g. `projects.name`. Never a value. */
    readonly subject: string,
    options?: ErrorOptions,
  ) {
    super(`${CONSTRAINT_TEXT[constraint]} ${subject}.`, options);
  }
}

/**
 * Classifies a driver error. Each driver names constraint violations differently: better-sqlite3 `code`
 * (SQLITE_CONSTRAINT_*), pg SQLSTATE `code` (23505 / 23503), mysql2 `errno` (1062 / 1452).
 */
export function constraintKind(err: unknown): 'unique' | 'foreign_key' | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, errno } = err as { code?: unknown; errno?: unknown };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') {
    return 'unique';
  }
  if (errno === 1062) return 'unique';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503' || errno === 1452) return 'foreign_key';
  return undefined;
}

/** Runs a write, turning a constraint violation into a StoreConstraintError about `subjects[kind]`. */
export async function guardConstraints<T>(
  write: () => Promise<T>,
  subjects: Partial<Record<'unique' | 'foreign_key', string>>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const kind = constraintKind(err);
    const subject = kind === undefined ? undefined : subjects[kind];
    if (kind !== undefined && subject !== undefined)
      throw new StoreConstraintError(kind, subject, { cause: err });
    throw err;
  }
}
