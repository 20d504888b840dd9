// Our step on onnxruntime-web's wasm backend (?threads=1|2&perRun=1|8&steps=&warmup=).
import * as ort from 'onnxruntime-web/wasm';
import { benchOurStep } from './our-step.js';
import { guarded } from './result.js';

void guarded(() => benchOurStep(ort, 'wasm'));
