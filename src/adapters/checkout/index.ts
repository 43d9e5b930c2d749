export { createGitSourceCheckout, type GitCheckedOutSource, type GitCredentials, type GitSourceCheckout, type GitSourceCheckoutOptions } from './source-checkout.js';
