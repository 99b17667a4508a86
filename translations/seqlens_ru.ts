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
        <location filename="../app/gui/main.cpp" line="24"/>
        <source>Preset or model directory.</source>
        <translation>Встроенная модель или каталог модели.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="26"/>
        <source>Input text.</source>
        <translation>Входной текст.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="27"/>
        <source>Language: en or ru.</source>
        <translation>Язык: en или ru.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="30"/>
        <source>Save the main window to FILE and exit.</source>
        <translation>Сохранить главное окно в ФАЙЛ и выйти.</translation>
    </message>
</context>
<context>
    <name>seqlens::app::MainWindow</name>
    <message>
        <location filename="../app/gui/main_window.cpp" line="24"/>
        <source>attention</source>
        <translation>внимание</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="26"/>
        <source>Mamba-1</source>
        <translation>Mamba-1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="28"/>
        <source>Mamba-2</source>
        <translation>Mamba-2</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="36"/>
        <source>SeqLens</source>
        <translation>SeqLens</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="40"/>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="45"/>
        <source>Input text</source>
        <translation>Входной текст</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="47"/>
        <source>The quick brown fox jumps over the lazy dog.</source>
        <translation>Съешь же ещё этих мягких французских булок, да выпей чаю.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="53"/>
        <source>Model and input</source>
        <translation>Модель и вход</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="61"/>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="62"/>
        <source>&amp;Open Model…</source>
        <translation>&amp;Открыть модель…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="64"/>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="73"/>
        <source>Error: %1</source>
        <translation>Ошибка: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="75"/>
        <source>Computing…</source>
        <translation>Вычисление…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="96"/>
        <source>Open Hugging Face model directory</source>
        <translation>Открыть каталог модели Hugging Face</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="105"/>
        <source> + MoE</source>
        <translation> + MoE</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="107"/>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2)&lt;br&gt;%3 layers: %4&lt;br&gt;parameters: %5 total, %6 active per token</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2)&lt;br&gt;слоёв: %3: %4&lt;br&gt;параметров: %5 всего, %6 активных на токен</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="113"/>
        <source>%1 tokens · forward %2 ms · state %3 KiB</source>
        <translation>токенов: %1 · прямой проход %2 мс · состояние %3 КиБ</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="128"/>
        <source>Layer %1, head 0: attention pattern</source>
        <translation>Слой %1, голова 0: карта внимания</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="129"/>
        <source>key token</source>
        <translation>токен ключа</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="130"/>
        <source>query token</source>
        <translation>токен запроса</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="131"/>
        <source>weight</source>
        <translation>вес</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="141"/>
        <source>Layer %1: step size Δ per head</source>
        <translation>Слой %1: шаг Δ по головам</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="142"/>
        <source>Layer %1: step size Δ per channel</source>
        <translation>Слой %1: шаг Δ по каналам</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="144"/>
        <source>channel</source>
        <translation>канал</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="144"/>
        <source>head</source>
        <translation>голова</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="145"/>
        <source>token</source>
        <translation>токен</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="146"/>
        <source>Δ</source>
        <translation>Δ</translation>
    </message>
</context>
</TS>
