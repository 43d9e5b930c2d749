export { createGitSourceCheckout, type GitCredentials, type GitSourceCheckout, type GitSourceCheckoutOptions } from './source-checkout.js';
