import { describeDriverConformance } from '@stemkit/testing';
import { gatewayHarness } from './harness.ts';

describeDriverConformance('audioshake-legacy → gateway → Tasks API', () => gatewayHarness('tasks'));
describeDriverConformance('audioshake-legacy → gateway → Sourcere API', () => gatewayHarness('sourcere'));
