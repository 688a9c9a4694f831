import { main } from '../shared/main.ts';
import { commentCounterService } from './service.ts';

main(commentCounterService);
