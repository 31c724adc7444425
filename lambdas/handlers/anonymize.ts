// Lambda entry for the anonymize step: event and result are the RunState (see step-handler.ts).
import { anonymize } from '../steps/anonymize.js';
import { stepHandler } from './step-handler.js';

export const handler = stepHandler('anonymize', anonymize);
