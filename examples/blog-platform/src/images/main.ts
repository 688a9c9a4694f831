import { main } from '../shared/main.ts';
import { imagesService } from './service.ts';

main(imagesService);
