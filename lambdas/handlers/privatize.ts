// Lambda entry for the privatize step: event and result are the RunState (see step-handler.ts).
import { privatize } from '../steps/privatize.js';
import { stepHandler } from './step-handler.js';

export const handler = stepHandler('privatize', privatize);
