// Lambda entry for the load step: event and result are the RunState (see step-handler.ts).
import { load } from '../steps/load.js';
import { stepHandler } from './step-handler.js';

export const handler = stepHandler('load', load);
