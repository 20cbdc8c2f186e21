package dev.xenon.console.model;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Stores an operation's parameters as a JSON object of strings. Never holds secrets. */
@Converter
class ParamsConverter implements AttributeConverter<Map<String, String>, String> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String convertToDatabaseColumn(Map<String, String> params) {
        return JSON.writeValueAsString(params == null ? Map.of() : params);
    }

    @Override
    public Map<String, String> convertToEntityAttribute(String text) {
        if (text == null || text.isBlank()) {
            return new LinkedHashMap<>();
        }
        return JSON.readValue(text, new TypeReference<LinkedHashMap<String, String>>() {});
    }
}
