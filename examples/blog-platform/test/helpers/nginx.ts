import { NGINX_BIN, nginxAvailable } from '../../deploy/nginx-gateway.ts';

/** True when nginx runs here (Debian: `apt-get install -y nginx`; `NGINX_BIN` names another binary). */
export const nginxPresent: boolean = nginxAvailable();

/** `PODKIT_REQUIRE_NGINX=1` (CI): a missing nginx fails instead of skipping. */
export const nginxRequired: boolean = process.env.PODKIT_REQUIRE_NGINX === '1';

/** Printed when the nginx gateway tests are skipped. */
export const nginxSkipMessage = `nginx not found at ${NGINX_BIN}: skipping the nginx gateway tests (deploy/overlays/nginx-gateway). Enable them with \`apt-get install -y nginx\` (or set NGINX_BIN); PODKIT_REQUIRE_NGINX=1 makes a missing nginx a failure.`;

/** The failure when nginx is required but missing. */
export const nginxMissingMessage = `nginx is required here (PODKIT_REQUIRE_NGINX=1) but ${NGINX_BIN} does not run: install it with \`apt-get install -y nginx\`.`;
