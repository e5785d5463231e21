import { describeDriverConformance } from '@stemkit/testing';
import { legacyHarness, tasksHarness } from './helpers/emulator.ts';

describeDriverConformance('audioshake-legacy', legacyHarness);
describeDriverConformance('audioshake-tasks', tasksHarness);
