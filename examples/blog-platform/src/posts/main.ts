import { main } from '../shared/main.ts';
import { postsService } from './service.ts';

main(postsService);
