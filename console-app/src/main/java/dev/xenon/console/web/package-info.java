/**
 * The web console: server-rendered pages (Thymeleaf templates and assets of the {@code frontend}
 * module) over the same services the REST API uses, behind a form login with sessions and CSRF.
 * The REST API keeps its Bearer API keys ({@code account/ApiKeyAuthenticationFilter}). See
 * docs/console.md.
 */
package dev.xenon.console.web;
