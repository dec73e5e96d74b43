/** An RFC 9457 problem: the body of every error response, as application/problem+json. */
export interface ProblemDetails {
  /** A URI naming the kind of problem; `about:blank` when the status says it all. */
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The request path. */
  instance?: string;
  /** For 400s from validation: which fields, and why. */
  errors?: { field: string; message: string }[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const PROBLEM_TYPE_BASE = 'https://shop.example/problems/';

/** How a service maps one of its own (domain) errors to a problem; undefined: not one of ours. */
export type ProblemMapper = (
  error: unknown,
) => { status: number; code: string; detail: string; headers?: Record<string, string> } | undefined;
