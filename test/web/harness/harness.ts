// The page the module tests drive: tsgan/web as the page's bundler builds it, on window, and a way
// to hand large arrays back to the test quickly (base64 of their bytes, not a list of numbers).
import * as web from '../../../src/web/index.js';

function bytesBase64(a: ArrayBufferView): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

Object.assign(window, { tsganWeb: web, bytesBase64 });
document.title = 'ready';
