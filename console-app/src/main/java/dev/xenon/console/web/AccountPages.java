package dev.xenon.console.web;

import dev.xenon.console.account.ApiKeyService;
import dev.xenon.console.model.OperationRepository;
import dev.xenon.console.operation.OperationView;
import dev.xenon.console.project.ProjectService;
import dev.xenon.web.ApiException;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** API keys (create: shown once; list; revoke) and a project's operations log. */
@Controller
class AccountPages extends Pages {

    static final int OPERATIONS_SHOWN = 200;

    private final ApiKeyService keys;
    private final ProjectService projects;
    private final OperationRepository operations;

    AccountPages(ApiKeyService keys, ProjectService projects, OperationRepository operations) {
        this.keys = keys;
        this.projects = projects;
        this.operations = operations;
    }

    @GetMapping("/account/api-keys")
    String apiKeys(Model model) {
        return keysPage(model, "", null);
    }

    private String keysPage(Model model, String keyName, ApiException error) {
        model.addAttribute("keys", keys.list(me().id()));
        model.addAttribute("keyName", keyName);
        model.addAttribute("error", error == null ? null : error.getMessage());
        return "api-keys";
    }

    @PostMapping("/account/api-keys")
    String createKey(
            @RequestParam(name = "keyName", defaultValue = "") String keyName,
            Model model,
            RedirectAttributes redirect) {
        try {
            ApiKeyService.CreatedKey created = keys.create(me().id(), keyName.strip());
            redirect.addFlashAttribute("createdKey", created.key());
            redirect.addFlashAttribute("createdKeyName", created.record().getName());
        } catch (ApiException e) {
            return keysPage(model, keyName, e);
        }
        return "redirect:/account/api-keys";
    }

    @PostMapping("/account/api-keys/{keyId}/revoke")
    String revoke(@PathVariable long keyId, RedirectAttributes redirect) {
        keys.revoke(me().id(), keyId);
        redirect.addFlashAttribute("notice", "API key revoked.");
        return "redirect:/account/api-keys";
    }

    @GetMapping("/projects/{projectId}/operations")
    @Transactional(readOnly = true)
    String operations(@PathVariable String projectId, Model model) {
        model.addAttribute("project", projects.get(caller(), projectId));
        model.addAttribute(
                "operations",
                OperationView.of(operations.findByProjectIdOrderBySeqDesc(projectId).stream()
                        .limit(OPERATIONS_SHOWN)
                        .toList()));
        return "operations";
    }
}
