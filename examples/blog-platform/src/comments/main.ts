import { main } from '../shared/main.ts';
import { commentsService } from './service.ts';

main(commentsService);
