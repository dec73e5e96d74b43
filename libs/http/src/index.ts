export {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  type ProblemDetails,
  type ProblemMapper,
} from './lib/problem-details';
export { ProblemDetailsFilter } from './lib/problem-details.filter';
export { RequestValidationError } from './lib/request-validation.error';
export { createValidationPipe } from './lib/validation.pipe';
export { trustProxySetting } from './lib/trust-proxy';
