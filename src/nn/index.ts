export * from './module.js';
export * from './init.js';
export * from './layers.js';
export * from './spectral.js';
export * from './summary.js';
export * from './flops.js';
