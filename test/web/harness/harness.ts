// The page the module tests drive: tsgan/web as the page's bundler builds it, on window.
import * as web from '../../../src/web/index.js';

(window as unknown as { tsganWeb: typeof web }).tsganWeb = web;
document.title = 'ready';
