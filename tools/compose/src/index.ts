export { composeTestRequirement } from './requirement';
