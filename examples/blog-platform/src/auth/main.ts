import { main } from '../shared/main.ts';
import { authService } from './service.ts';

main(authService);
