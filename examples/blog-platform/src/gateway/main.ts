import { main } from '../shared/main.ts';
import { gatewayService } from './service.ts';

main(gatewayService);
