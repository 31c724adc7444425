// Lambda entry for the generate step: event and result are the RunState (see step-handler.ts).
import { generate } from '../steps/generate.js';
import { stepHandler } from './step-handler.js';

export const handler = stepHandler('generate', generate);
