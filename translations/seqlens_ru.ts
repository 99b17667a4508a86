<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui/main.cpp" line="20"/>
        <source>See how Transformers, Mamba and hybrid models work, and what they cost.</source>
        <translation>Смотрите, как работают трансформеры, Mamba и гибридные модели и чего они стоят.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="23"/>
        <source>Preset or model directory.</source>
        <translation>Встроенная модель или каталог модели.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="25"/>
        <source>Input text.</source>
        <translation>Входной текст.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="26"/>
        <source>Language: en or ru.</source>
        <translation>Язык: en или ru.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="28"/>
        <source>Save the main window to FILE and exit.</source>
        <translation>Сохранить главное окно в ФАЙЛ и выйти.</translation>
    </message>
</context>
<context>
    <name>seqlens::app::MainWindow</name>
    <message>
        <location filename="../app/gui/main_window.cpp" line="23"/>
        <source>attention</source>
        <translation>внимание</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="24"/>
        <source>Mamba-1</source>
        <translation>Mamba-1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="25"/>
        <source>Mamba-2</source>
        <translation>Mamba-2</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="34"/>
        <source>SeqLens</source>
        <translation>SeqLens</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="38"/>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="43"/>
        <source>Input text</source>
        <translation>Входной текст</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="45"/>
        <source>The quick brown fox jumps over the lazy dog.</source>
        <translation>Съешь же ещё этих мягких французских булок, да выпей чаю.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="51"/>
        <source>Model and input</source>
        <translation>Модель и вход</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="59"/>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="60"/>
        <source>&amp;Open Model…</source>
        <translation>&amp;Открыть модель…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="62"/>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="71"/>
        <source>Error: %1</source>
        <translation>Ошибка: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="73"/>
        <source>Computing…</source>
        <translation>Вычисление…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="91"/>
        <source>Open Hugging Face model directory</source>
        <translation>Открыть каталог модели Hugging Face</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="100"/>
        <source> + MoE</source>
        <translation> + MoE</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="101"/>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2)&lt;br&gt;%3 layers: %4&lt;br&gt;parameters: %5 total, %6 active per token</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2)&lt;br&gt;слоёв: %3: %4&lt;br&gt;параметров: %5 всего, %6 активных на токен</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="107"/>
        <source>%1 tokens · forward %2 ms · state %3 KiB</source>
        <translation>токенов: %1 · прямой проход %2 мс · состояние %3 КиБ</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="122"/>
        <source>Layer %1, head 0: attention pattern</source>
        <translation>Слой %1, голова 0: карта внимания</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="123"/>
        <source>key token</source>
        <translation>токен ключа</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="124"/>
        <source>query token</source>
        <translation>токен запроса</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="125"/>
        <source>weight</source>
        <translation>вес</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="133"/>
        <source>Layer %1: step size Δ per channel</source>
        <translation>Слой %1: шаг Δ по каналам</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="134"/>
        <source>channel</source>
        <translation>канал</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="135"/>
        <source>token</source>
        <translation>токен</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="136"/>
        <source>Δ</source>
        <translation>Δ</translation>
    </message>
</context>
</TS>
