// application/problem+json (RFC 7807) as srtgw sends it, and its field errors mapped to the
// form fields they belong to.

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors: FieldError[];
}

/** A problem from any answer: a JSON problem body, or a plain fallback naming the status. */
export function parseProblem(status: number, body: string): Problem {
  let title = `HTTP ${status}`;
  let detail = '';
  let errors: FieldError[] = [];
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    if (j && typeof j === 'object') {
      if (typeof j.title === 'string') title = j.title;
      if (typeof j.detail === 'string') detail = j.detail;
      if (Array.isArray(j.errors)) {
        errors = j.errors
          .filter((e): e is FieldError =>
            !!e && typeof e === 'object' && typeof (e as FieldError).message === 'string')
          .map((e) => ({ field: typeof e.field === 'string' ? e.field : '', message: e.message }));
      }
    }
  } catch {
    detail = body.slice(0, 200);
  }
  return { status, title, detail, errors };
}

/**
 * Field errors by form field. The API's names are the form's (fec.cols stays fec.cols);
 * several errors on one field are joined. Errors for fields the form does not show go to
 * `other` so that nothing the server said is lost.
 */
export function mapFieldErrors(
  problem: Problem,
  shown: Set<string>,
): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const e of problem.errors) {
    let field = e.field;
    if (field.startsWith('fec.') && !shown.has(field) && shown.has('fec')) field = 'fec';
    if (field !== '' && shown.has(field)) {
      byField[field] = byField[field] ? `${byField[field]}; ${e.message}` : e.message;
    } else {
      other.push(field ? `${field}: ${e.message}` : e.message);
    }
  }
  if (problem.errors.length === 0) {
    other.push(problem.detail || problem.title);
  }
  return { byField, other };
}
