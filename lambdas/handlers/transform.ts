// Lambda entry for the transform step: event and result are the RunState (see step-handler.ts).
import { transform } from '../steps/transform.js';
import { stepHandler } from './step-handler.js';

export const handler = stepHandler('transform', transform);
