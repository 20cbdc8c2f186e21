package dev.xenon.console.account;

import dev.xenon.console.system.ConsoleProperties;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The rate limiter and the {@link AuthenticatedUser} controller parameter. */
@Configuration(proxyBeanMethods = false)
class AccountConfiguration implements WebMvcConfigurer {

    static {
        // the caller is no request parameter of the OpenAPI document
        org.springdoc.core.utils.SpringDocUtils.getConfig().addRequestWrapperToIgnore(AuthenticatedUser.class);
    }

    @Bean
    RateLimiter rateLimiter(ConsoleProperties console) {
        return new RateLimiter(console.rateLimitCapacity(), console.rateLimitPerSecond());
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == AuthenticatedUser.class;
            }

            @Override
            public Object resolveArgument(
                    MethodParameter parameter,
                    ModelAndViewContainer mav,
                    NativeWebRequest request,
                    WebDataBinderFactory binderFactory) {
                Object user = request.getAttribute(AuthenticatedUser.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
                if (user == null) {
                    throw new dev.xenon.console.system.ConsoleErrors.Unauthorized("a valid API key is required");
                }
                return user;
            }
        });
    }
}
