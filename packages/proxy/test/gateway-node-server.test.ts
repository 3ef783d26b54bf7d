import { gatewaySuite } from './gateway.case.js';

gatewaySuite('node');
